package dev.autoj.engine.protocol;

/**
 * Auto-J's prompt templates, byte for byte as in the original implementation. These strings are
 * data: a change here changes every judgment, and the reference-prompt test catches it.
 */
final class Templates {

    static final String LLAMA2_WRAPPER_OPEN = "[INST] ";
    static final String LLAMA2_WRAPPER_CLOSE = " [/INST]";

    static final String SINGLE = "Write critiques for a submitted response on a given user's query, and grade the response:\n"
            + "  \n"
            + "[BEGIN DATA]\n"
            + "***\n"
            + "[Query]: {prompt}\n"
            + "***\n"
            + "[Response]: {response}\n"
            + "***\n"
            + "[END DATA]\n"
            + "\n"
            + "Write critiques for this response. After that, you should give a final rating for the response on a scale of 1 to 10 by strictly following this format: \"[[rating]]\", for example: \"Rating: [[5]]\".";

    static final String PAIRWISE_TIE = "You are assessing two submitted responses on a given user's query and judging which response is better or they are tied. Here is the data:\n"
            + "\n"
            + "[BEGIN DATA]\n"
            + "***\n"
            + "[Query]: {prompt}\n"
            + "***\n"
            + "[Response 1]: {response}\n"
            + "***\n"
            + "[Response 2]: {response_another}\n"
            + "***\n"
            + "[END DATA]\n"
            + "\n"
            + "Here are the instructions to assess and compare the two responses:\n"
            + "\n"
            + "1. Pinpoint the key factors to distinguish these two responses.\n"
            + "2. Conclude your comparison by providing a final decision on which response is better, or they are tied. Begin your final decision statement with \"So, the final decision is Response 1 / Response 2 / Tie\". Ensure that your decision aligns coherently with the comprehensive evaluation and comparison you've provided.";

    static final String ZH_SINGLE = "为上传的针对给定用户问题的回应撰写评论, 并为该回复打分:\n"
            + "\n"
            + "[BEGIN DATA]\n"
            + "***\n"
            + "[用户问询]: {prompt}\n"
            + "***\n"
            + "[回应]: {response}\n"
            + "***\n"
            + "[END DATA]\n"
            + "\n"
            + "为这个回应撰写评论. 在这之后, 你应该按照如下格式给这个回应一个最终的1-10范围的评分: \"[[评分]]\", 例如: \"评分: [[5]]\".";

    static final String ZH_PAIRWISE_TIE = "你将要评价两个针对给定用户问题的回应，并判断哪个回应胜出或两者持平。以下是相关内容:\n"
            + "\n"
            + "[BEGIN DATA]\n"
            + "***\n"
            + "[用户问询]: {prompt}\n"
            + "***\n"
            + "[回应1]: {response}\n"
            + "***\n"
            + "[回应2]: {response_another}\n"
            + "***\n"
            + "[END DATA]\n"
            + "\n"
            + "以下是评价并比较两个回应的指南：\n"
            + "\n"
            + "1. 确定区分两个回应的关键因素。\n"
            + "2. 通过提供最终对何者胜出或两者持平的决定来总结你的比较和评价。最终决定语句应以\"所以，最终决定是回应1/回应2/平局\"开头。确保你的决定与你提供的综合的评价和比较一致。";

    static final String SCENARIO_CLASSIFIER = "Identify the scenario for the user's query, output 'default' if you are uncertain.\nQuery:\n{input}\nScenario:\n";

    private Templates() {
    }
}
